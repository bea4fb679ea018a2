// Over 300 lines on purpose: data, one short entry per language of the default registry.
import type { LanguageSpec, StageLimits } from '../domain/run.js';

/**
 * The default language registry. It is data: LANGUAGES_FILE replaces it with a JSON array of the same
 * shape, and SANDBOX_IMAGE_<LANGUAGE> overrides one image (e.g. an official python image on a real cluster).
 * Default images are the ones scripts/images.sh builds from Debian trixie and imports into the local
 * cluster (`imageName` is the image's name there; its versions are in the code-runner-images catalog,
 * which is why no displayName carries a version).
 *
 * Every command runs in the writable workdir (/workspace) holding the code under `fileName`, as uid
 * 65534 on a read-only root, with HOME and TMPDIR at /tmp: compilers write their output next to the code.
 * Limits here are only the differences from the launcher's defaults (run: 2000 ms CPU, 5000 ms wall,
 * 256 MB, 64 processes; compile: 10000 ms CPU, 20000 ms wall, 1024 MB, 128 processes). Memory is the
 * summed resident size of the process group; max_processes is RLIMIT_NPROC, which counts threads.
 * Measured compile and run times, image sizes and versions: docs/images.md. Test programs:
 * test/fixtures/languages/<id>.<ext> (run in the images by test/images/languages.sh).
 */

/**
 * The JVM's flags for a program: serial GC (no GC threads), a 256 MB heap (as judges give Java; the
 * serial GC's old generation, about 2/3 of it, bounds one array), a 64 MB stack for deep recursion.
 */
const JVM_RUN = ['-XX:+UseSerialGC', '-Xmx256m', '-Xss64m'];
/** The JVM's flags for a compiler on the JVM (javac, kotlinc, scalac): C1 only (starts faster), serial GC. */
const JVM_COMPILE = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
/**
 * JVM limits: memory is the heap plus the JVM's own (metaspace, code cache, CDS archive, stacks: a full
 * 160 MB array with a 10^6-deep recursion measured 240 MB), and RLIMIT_NPROC counts its threads.
 */
const JVM_RUN_LIMITS: StageLimits = { memory_mb: 512, max_processes: 256 };
const JVM_COMPILE_LIMITS: StageLimits = { cpu_time_ms: 20000, wall_time_ms: 30000, max_processes: 256 };

/**
 * The Erlang VM's flags (erlc, erl, elixir): +JMsingle maps the JIT's code once, read-write-execute; the
 * default maps it twice through a memfd grown with ftruncate, which RLIMIT_FSIZE (file_size_kb) stops
 * with SIGXFSZ. +sbwt none: idle schedulers sleep instead of spinning on the program's CPU time.
 */
const ERL_FLAGS = '+JMsingle true +sbwt none +sbwtdcpu none +sbwtdio none';

export const DEFAULT_LANGUAGES: LanguageSpec[] = [
  // Compiled to native code
  {
    id: 'c',
    displayName: 'C (GCC)',
    image: 'localhost/code-runner/gcc:14',
    imageName: 'gcc',
    fileName: 'main.c',
    compile: ['gcc', '-O2', '-std=gnu17', '-o', 'main', 'main.c', '-lm'],
    command: ['./main'],
    aliases: ['gcc', 'c17'],
    editorMode: 'c',
  },
  {
    id: 'cpp',
    displayName: 'C++ (GCC)',
    image: 'localhost/code-runner/gcc:14',
    imageName: 'gcc',
    fileName: 'main.cpp',
    compile: ['g++', '-O2', '-std=gnu++17', '-o', 'main', 'main.cpp'],
    command: ['./main'],
    aliases: ['c++', 'g++', 'cxx', 'cplusplus'],
    editorMode: 'cpp',
  },
  {
    id: 'fortran',
    displayName: 'Fortran (GFortran)',
    image: 'localhost/code-runner/gcc:14',
    imageName: 'gcc',
    fileName: 'main.f90',
    compile: ['gfortran', '-O2', '-o', 'main', 'main.f90'],
    command: ['./main'],
    aliases: ['gfortran', 'f90', 'f95'],
    editorMode: 'fortran',
  },
  {
    id: 'go',
    displayName: 'Go',
    image: 'localhost/code-runner/go:1.24',
    imageName: 'go',
    fileName: 'main.go',
    compile: ['go', 'build', '-o', 'main', 'main.go'],
    command: ['./main'],
    // GOCACHE: the image's read-only cache of the compiled standard library (images/go.image).
    env: {
      GOCACHE: '/usr/local/lib/go-cache',
      GOPATH: '/tmp/go',
      GOTOOLCHAIN: 'local',
      GOFLAGS: '-buildvcs=false',
      CGO_ENABLED: '0',
    },
    aliases: ['golang'],
    editorMode: 'go',
    limits: { compile: { max_processes: 128 }, run: { max_processes: 128 } },
  },
  {
    id: 'rust',
    displayName: 'Rust',
    image: 'localhost/code-runner/rust:1.85',
    imageName: 'rust',
    fileName: 'main.rs',
    compile: ['rustc', '--edition=2021', '-O', '-o', 'main', 'main.rs'],
    command: ['./main'],
    aliases: ['rs', 'rustc'],
    editorMode: 'rust',
    limits: { compile: { wall_time_ms: 30000 } },
  },
  {
    id: 'haskell',
    displayName: 'Haskell (GHC)',
    image: 'localhost/code-runner/haskell:9.6',
    imageName: 'haskell',
    fileName: 'main.hs',
    compile: ['ghc', '-O2', '-o', 'main', 'main.hs'],
    command: ['./main'],
    aliases: ['hs', 'ghc'],
    editorMode: 'haskell',
    limits: { compile: { cpu_time_ms: 30000, wall_time_ms: 45000, memory_mb: 1536 } },
  },
  {
    // -l- drops the banner, -v0 -vew keeps errors and warnings (fpc.cfg's -viwn adds notes and progress).
    id: 'pascal',
    displayName: 'Pascal (Free Pascal)',
    image: 'localhost/code-runner/pascal:3.2',
    imageName: 'pascal',
    fileName: 'main.pas',
    compile: ['fpc', '-O2', '-l-', '-v0', '-vew', '-omain', 'main.pas'],
    command: ['./main'],
    aliases: ['fpc', 'freepascal', 'pas'],
    editorMode: 'pascal',
  },
  {
    id: 'ocaml',
    displayName: 'OCaml',
    image: 'localhost/code-runner/ocaml:5.3',
    imageName: 'ocaml',
    fileName: 'main.ml',
    compile: ['ocamlopt', '-o', 'main', 'main.ml'],
    command: ['./main'],
    aliases: ['ml', 'ocamlopt'],
    editorMode: 'ocaml',
  },
  // Compiled to byte code
  {
    id: 'java',
    displayName: 'Java (OpenJDK)',
    image: 'localhost/code-runner/java:25',
    imageName: 'java',
    fileName: 'Main.java',
    compile: ['javac', ...JVM_COMPILE.map((f) => `-J${f}`), '-encoding', 'UTF-8', 'Main.java'],
    command: ['java', ...JVM_RUN, '-cp', '.', 'Main'],
    aliases: ['jdk', 'openjdk'],
    editorMode: 'java',
    limits: { compile: JVM_COMPILE_LIMITS, run: JVM_RUN_LIMITS },
  },
  {
    id: 'kotlin',
    displayName: 'Kotlin',
    image: 'localhost/code-runner/jvm:trixie',
    imageName: 'jvm',
    fileName: 'main.kt',
    // -XX:-PrintWarnings: kotlinc's script passes -noverify, which JDK 21 warns about on every compile.
    compile: [
      'kotlinc',
      ...[...JVM_COMPILE, '-XX:-PrintWarnings'].map((f) => `-J${f}`),
      'main.kt',
      '-include-runtime',
      '-d',
      'main.jar',
    ],
    command: ['java', ...JVM_RUN, '-jar', 'main.jar'],
    aliases: ['kt', 'kotlinc'],
    editorMode: 'kotlin',
    limits: { compile: { ...JVM_COMPILE_LIMITS, cpu_time_ms: 30000, wall_time_ms: 45000 }, run: JVM_RUN_LIMITS },
  },
  {
    id: 'scala',
    displayName: 'Scala',
    image: 'localhost/code-runner/jvm:trixie',
    imageName: 'jvm',
    fileName: 'main.scala',
    compile: ['scalac', ...JVM_COMPILE.map((f) => `-J${f}`), '-d', '.', 'main.scala'],
    command: ['java', ...JVM_RUN, '-cp', '.:/usr/share/scala-2.11/lib/scala-library.jar', 'Main'],
    aliases: ['scalac'],
    editorMode: 'scala',
    limits: { compile: { ...JVM_COMPILE_LIMITS, cpu_time_ms: 30000, wall_time_ms: 45000 }, run: JVM_RUN_LIMITS },
  },
  {
    id: 'csharp',
    displayName: 'C# (Mono)',
    image: 'localhost/code-runner/mono:6.12',
    imageName: 'mono',
    fileName: 'main.cs',
    compile: ['mcs', '-optimize+', '-out:main.exe', 'main.cs'],
    command: ['mono', 'main.exe'],
    aliases: ['cs', 'c#', 'mono', 'mcs'],
    editorMode: 'csharp',
  },
  {
    id: 'erlang',
    displayName: 'Erlang',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.erl',
    compile: ['erlc', 'main.erl'],
    command: ['erl', '-noshell', '-s', 'main', 'main', '-s', 'erlang', 'halt'],
    // No erl_crash.dump in the workdir: an uncaught error is a RuntimeError, not a file-size kill.
    env: { ERL_FLAGS: ERL_FLAGS, ERL_CRASH_DUMP_SECONDS: '0' },
    aliases: ['erl'],
    editorMode: 'erlang',
    limits: { compile: { max_processes: 256 }, run: { max_processes: 256 } },
  },
  // Interpreted
  {
    id: 'python',
    displayName: 'Python 3',
    image: 'localhost/code-runner/python:3.13',
    imageName: 'python',
    fileName: 'main.py',
    command: ['python3', '-u', 'main.py'],
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    aliases: ['py', 'python3'],
    editorMode: 'python',
  },
  {
    id: 'javascript',
    displayName: 'JavaScript (Node.js)',
    image: 'localhost/code-runner/node:24',
    imageName: 'node',
    fileName: 'main.js',
    command: ['node', '--max-old-space-size=192', 'main.js'],
    aliases: ['js', 'node', 'nodejs'],
    editorMode: 'javascript',
  },
  {
    id: 'typescript',
    displayName: 'TypeScript',
    image: 'localhost/code-runner/node:24',
    imageName: 'node',
    fileName: 'main.ts',
    compile: [
      'tsc',
      '--target',
      'es2022',
      '--module',
      'commonjs',
      '--types',
      'node',
      '--typeRoots',
      '/usr/local/lib/node_modules/@types',
      '--skipLibCheck',
      '--pretty',
      'false',
      '--outDir',
      '.',
      'main.ts',
    ],
    command: ['node', '--max-old-space-size=192', 'main.js'],
    aliases: ['ts', 'tsc'],
    editorMode: 'typescript',
  },
  {
    id: 'ruby',
    displayName: 'Ruby',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.rb',
    command: ['ruby', 'main.rb'],
    aliases: ['rb'],
    editorMode: 'ruby',
  },
  {
    id: 'php',
    displayName: 'PHP',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.php',
    command: ['php', 'main.php'],
    aliases: [],
    editorMode: 'php',
  },
  {
    id: 'bash',
    displayName: 'Bash',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.sh',
    command: ['bash', 'main.sh'],
    aliases: ['sh', 'shell'],
    editorMode: 'shell',
  },
  {
    id: 'perl',
    displayName: 'Perl',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.pl',
    command: ['perl', 'main.pl'],
    aliases: ['pl'],
    editorMode: 'perl',
  },
  {
    id: 'lua',
    displayName: 'Lua',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.lua',
    command: ['lua5.4', 'main.lua'],
    aliases: [],
    editorMode: 'lua',
  },
  {
    id: 'r',
    displayName: 'R',
    image: 'localhost/code-runner/r:4.5',
    imageName: 'r',
    fileName: 'main.R',
    command: ['Rscript', 'main.R'],
    aliases: ['rscript'],
    editorMode: 'r',
  },
  {
    // stdin is the table input(line), one row per line (loaded before the program runs).
    id: 'sql',
    displayName: 'SQL (SQLite)',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.sql',
    command: [
      'sqlite3',
      '-batch',
      '-bail',
      '-cmd',
      'CREATE TABLE input(line TEXT);',
      '-cmd',
      '.mode ascii',
      '-cmd',
      '.separator "\\037" "\\n"',
      '-cmd',
      '.import /dev/stdin input',
      '-cmd',
      '.mode list',
      ':memory:',
      '.read main.sql',
    ],
    aliases: ['sqlite', 'sqlite3'],
    editorMode: 'sql',
  },
  {
    id: 'elixir',
    displayName: 'Elixir',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.exs',
    command: ['elixir', 'main.exs'],
    // No erl_crash.dump in the workdir: an uncaught error is a RuntimeError, not a file-size kill.
    env: { ERL_FLAGS: ERL_FLAGS, ERL_CRASH_DUMP_SECONDS: '0' },
    aliases: ['ex', 'exs'],
    editorMode: 'elixir',
    limits: { run: { max_processes: 256 } },
  },
  {
    id: 'prolog',
    displayName: 'Prolog (SWI-Prolog)',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.pl',
    command: ['swipl', 'main.pl'],
    aliases: ['swipl', 'swi-prolog'],
    editorMode: 'prolog',
  },
  {
    id: 'commonlisp',
    displayName: 'Common Lisp (SBCL)',
    image: 'localhost/code-runner/scripting:trixie',
    imageName: 'scripting',
    fileName: 'main.lisp',
    command: ['sbcl', '--script', 'main.lisp'],
    aliases: ['lisp', 'sbcl', 'cl'],
    editorMode: 'commonlisp',
  },
  // A program of several files with its own scripts (Judge0's "Multi-file program", id 89)
  {
    // The code is the `run` script; a `compile` script among the files runs first if there is one. Both
    // are bash in the GCC image (bash, coreutils, gcc, g++, gfortran); either may write in the workdir.
    id: 'multifile',
    displayName: 'Multi-file program (bash scripts)',
    image: 'localhost/code-runner/gcc:14',
    imageName: 'gcc',
    fileName: 'run',
    compile: ['bash', '-c', 'if [ -f compile ]; then exec bash compile; fi'],
    command: ['bash', 'run'],
    aliases: ['multi-file', 'project'],
    editorMode: 'shell',
  },
];

/** Other names clients use for the same languages (from each language's aliases). */
export const LANGUAGE_ALIASES: Record<string, string> = Object.fromEntries(
  DEFAULT_LANGUAGES.flatMap((l) => (l.aliases ?? []).map((a) => [a, l.id] as const)),
);
