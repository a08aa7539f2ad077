import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino blanks out before a line is written: credentials and personal data (PIPL — no
 * plaintext identity number or phone in logs). `*.x` covers one level of nesting, which is where
 * request/response objects and domain records sit in our log lines.
 */
export const redactPaths: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...['authorization', 'cookie', 'token', 'accessToken', 'refreshToken', 'session_key', 'sessionKey', 'password', 'secret', 'idNumber', 'idCard', 'phone', 'phoneNumber', 'mobile', 'openid', 'unionid'].flatMap(
    (key) => [key, `*.${key}`],
  ),
];

/** Options of the application logger. */
export interface CreateLoggerOptions {
  /** pino level (LOG_LEVEL). */
  level: string;
  /** Where lines go; default stdout. Tests pass a memory stream to assert redaction. */
  destination?: DestinationStream;
}

/**
 * The application logger: JSON lines to stdout with secrets and personal data redacted.
 * Created once in main (or by a test) and passed down; there is no global logger.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level,
    base: { service: 'careloop-bff' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

export type { Logger } from 'pino';
