import { callbackTries } from '../../domain/callback.js';
import type { Config } from '../../config/config.js';
import { judge0Limits } from './request.js';

/** Pure: Judge0's information endpoints with this server's effective values. */

export const JUDGE0_VERSION = '1.13.1';
export const MAX_BATCH = 20;

export function about() {
  return {
    version: JUDGE0_VERSION,
    homepage: null,
    source_code: null,
    maintainer: 'Code Runner (Judge0-compatible API)',
  };
}

/** GET /config_info: Judge0's keys; what we do not serve (compiler options) is off. */
export function configInfo(cfg: Config) {
  const m = judge0Limits(cfg);
  return {
    maintenance_mode: false,
    enable_wait_result: cfg.judge0.enableWait,
    enable_compiler_options: false,
    allowed_languages_for_compile_options: [] as string[],
    enable_command_line_arguments: true,
    enable_submission_delete: true,
    enable_callbacks: true,
    // Ours retry for CALLBACK_RETRY_HOURS with backoff: the tries that schedule allows.
    callbacks_max_tries: callbackTries(cfg.callbacks),
    callbacks_timeout: cfg.callbacks.timeoutMs / 1000,
    enable_additional_files: true,
    max_queue_size: cfg.judge0.maxQueueSize,
    cpu_time_limit: m.cpu_time_limit.def,
    max_cpu_time_limit: m.cpu_time_limit.max,
    cpu_extra_time: m.cpu_extra_time.def,
    max_cpu_extra_time: m.cpu_extra_time.max,
    wall_time_limit: m.wall_time_limit.def,
    max_wall_time_limit: m.wall_time_limit.max,
    memory_limit: m.memory_limit.def,
    max_memory_limit: m.memory_limit.max,
    stack_limit: m.stack_limit.def,
    max_stack_limit: m.stack_limit.max,
    max_processes_and_or_threads: m.max_processes_and_or_threads.def,
    max_max_processes_and_or_threads: m.max_processes_and_or_threads.max,
    enable_per_process_and_thread_time_limit: false,
    allow_enable_per_process_and_thread_time_limit: true,
    enable_per_process_and_thread_memory_limit: false,
    allow_enable_per_process_and_thread_memory_limit: true,
    max_file_size: m.max_file_size.def,
    max_max_file_size: m.max_file_size.max,
    number_of_runs: m.number_of_runs.def,
    max_number_of_runs: m.number_of_runs.max,
    redirect_stderr_to_stdout: false,
    // KB, as Judge0's: our input limit bounds the unpacked additional_files.
    max_extract_size: Math.floor(cfg.limits.maxInputBytes / 1024),
    enable_batched_submissions: true,
    max_submission_batch_size: MAX_BATCH,
    submission_cache_duration: 0,
    use_docs_as_homepage: false,
    allow_enable_network: cfg.judge0.allowNetwork,
    enable_network: false,
  };
}

/** GET /system_info: Judge0 shows lscpu and free of its host; this is the API's host (runs go to the cluster). */
export function systemInfo(host: { arch: string; cpus: { model: string }[]; totalmem: number; freemem: number }) {
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)}Gi`;
  return {
    Architecture: host.arch,
    'CPU(s)': String(host.cpus.length),
    'Model name': host.cpus[0]?.model ?? 'unknown',
    Mem: gib(host.totalmem),
    'Mem free': gib(host.freemem),
    Note: 'the API host; programs run in sandboxes on the Kubernetes cluster',
  };
}
