/** An error answered with its own status and code (the error handler passes 4xx errors through). */
export function httpError(
  statusCode: number,
  code: string,
  message: string,
): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(message), { statusCode, code });
}
