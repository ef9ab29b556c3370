package io.flowplane.agent.connection;

import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;

/**
 * The one Netty buffer pool of an agent, shared by its channel to the control plane and its local
 * relay. gRPC's default pool has one direct arena per two cores and grabs a 4 MiB chunk per arena
 * that an event-loop thread touches: about 8 MiB resident in an idle agent (measured with
 * {@code -XX:NativeMemoryTracking}, "Other"), for two connections that are mostly quiet. One
 * arena with 1 MiB chunks holds what an agent has in flight; a buffer larger than a chunk (a
 * batch near the 4 MiB batch limit) is allocated and freed on its own, which is rare and cheap
 * next to sending it.
 */
public final class AgentBuffers {
    /** 8 KiB pages, 2^7 pages per chunk: 1 MiB chunks. */
    private static final int PAGE_SIZE = 8192;
    private static final int MAX_ORDER = 7;

    private static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(
            PooledByteBufAllocator.defaultPreferDirect(), 0, 1, PAGE_SIZE, MAX_ORDER,
            PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(),
            PooledByteBufAllocator.defaultUseCacheForAllThreads());

    private AgentBuffers() {
    }

    public static ByteBufAllocator allocator() {
        return ALLOCATOR;
    }
}
