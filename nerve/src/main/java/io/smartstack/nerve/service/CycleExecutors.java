package io.smartstack.nerve.service;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where check cycles run: one named scheduler times every cycle, and a pool of named worker threads
 * (growing with demand, idle ones retired) runs them.
 */
public record CycleExecutors(ScheduledExecutorService scheduler, Executor workers) {}
