/**
 * What the examples print through: numbered sections, the SDK call being shown, aligned tables
 * and key/value blocks, and progress bars. Examples write to a Report rather than console.log so
 * the tests can capture and check exactly what a reader sees.
 */
import { progressBar, type Unit } from './progress.ts';
import { colorWanted, createStyle, visibleWidth, type Style } from './style.ts';
import { cellText, renderTable, type Column } from './table.ts';

export interface Sink {
  write(text: string): void;
  /** A terminal: progress bars redraw in place. */
  readonly isTTY?: boolean;
}

export interface ProgressLine {
  update(progress: { loaded: number; total?: number | undefined }): void;
  /** Print the final state (always shown, also when not on a terminal). */
  done(): void;
}

export class Report {
  readonly style: Style;
  private sections = 0;

  constructor(
    private readonly sink: Sink,
    options: { color?: boolean } = {},
  ) {
    this.style = createStyle(options.color ?? false);
  }

  /** A numbered heading: `3. Finders`. */
  section(title: string): void {
    this.sections++;
    const heading = `${this.sections}. ${title}`;
    this.sink.write(
      `\n${this.style.bold(this.style.cyan(heading))}\n${this.style.dim('─'.repeat(visibleWidth(heading)))}\n`,
    );
  }

  line(text = ''): void {
    this.sink.write(`${text}\n`);
  }

  /** The SDK call the next lines are about, shown like code. */
  call(code: string): void {
    this.sink.write(`${this.style.dim('›')} ${this.style.yellow(code)}\n`);
  }

  /** Indented label/value lines with the values aligned. */
  fields(pairs: readonly (readonly [string, unknown])[]): void {
    const width = Math.max(...pairs.map(([label]) => visibleWidth(label)));
    for (const [label, value] of pairs) {
      this.sink.write(`  ${this.style.dim(label.padEnd(width))}  ${cellText(value)}\n`);
    }
  }

  table<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): void {
    for (const text of renderTable(columns, rows, this.style)) this.sink.write(`  ${text}\n`);
  }

  ok(text: string): void {
    this.sink.write(`${this.style.green('✔')} ${text}\n`);
  }

  fail(text: string): void {
    this.sink.write(`${this.style.red('✘')} ${text}\n`);
  }

  /** A progress bar that redraws in place on a terminal; elsewhere only the final state is printed. */
  progress(label: string, unit: Unit = 'bytes'): ProgressLine {
    let last = { loaded: 0, total: undefined as number | undefined };
    const render = () => `  ${label} ${progressBar(last.loaded, last.total, unit)}`;
    return {
      update: (progress) => {
        last = { loaded: progress.loaded, total: progress.total };
        if (this.sink.isTTY) this.sink.write(`\r${render()}`);
      },
      done: () => {
        // A finished transfer is complete even when its size was not known up front.
        last = { loaded: last.loaded, total: last.total ?? last.loaded };
        this.sink.write(this.sink.isTTY ? `\r${render()}\n` : `${render()}\n`);
      },
    };
  }
}

/** A Report on stdout, coloured only on a terminal without NO_COLOR. */
export function consoleReport(): Report {
  return new Report(
    { write: (text) => void process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) },
    { color: colorWanted(process.stdout) },
  );
}

/** A Report kept in memory (tests read back exactly what would have been printed). */
export function memoryReport(): { report: Report; text(): string } {
  let buffer = '';
  return { report: new Report({ write: (text) => void (buffer += text) }), text: () => buffer };
}

export type { Column };
