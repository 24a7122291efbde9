/**
 * The argument the server thread of `nswg serve` starts with. In the command's bundle the thread
 * runs the bundle's entry (main.ts), which this tells to start the server instead of reading a
 * command line: a check that needs no module at start-up.
 */
export const SERVE_THREAD_ARG = '--nswg-serve-thread';
