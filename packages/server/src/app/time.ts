let lastMicros = 0;

/**
 * Current time in the stored format `YYYY-MM-DDTHH:mm:ss.ffffff+00:00`, strictly increasing
 * across calls (so `modified` grows on every change even within one millisecond).
 */
export function now(): string {
  let micros = Date.now() * 1000;
  if (micros <= lastMicros) micros = lastMicros + 1;
  lastMicros = micros;
  const d = new Date(Math.floor(micros / 1000));
  const frac = String(micros % 1_000_000).padStart(6, '0');
  return d.toISOString().replace(/\.\d{3}Z$/, `.${frac}+00:00`);
}
