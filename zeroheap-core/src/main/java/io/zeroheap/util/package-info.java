/**
 * Small shared helpers of the implementation (argument checks with uniform messages).
 * Not exported.
 */
package io.zeroheap.util;
