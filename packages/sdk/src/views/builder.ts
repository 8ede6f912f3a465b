/**
 * `ViewBuilder`: builds a data view (the `ContainerPipelineInput` JSON) the way the Python SDK's
 * `ViewBuilder` does; every method returns the builder (Python's `label()` did not).
 */

/** A column as given to the builder: a source path or a full spec. */
export type ViewColumnInput =
  string | { src: string; dst?: string; type?: string; accumulator?: string; expr?: string };

export type FileMatch = 'first' | 'last' | 'newest' | 'oldest' | 'all';
export type MissingDataStrategy = 'none' | 'drop-row';

export interface NameFilter {
  value: string;
  regex?: boolean;
}

/** The data view JSON a builder produces (what `POST /views/queue` and saved views take). */
export interface DataView {
  label?: string;
  description?: string;
  columns: { src: string; dst?: string; type?: string; expr?: string; accumulator?: string }[];
  groupBy?: { columns: { src: string; dst?: string }[] };
  fileSpec?: {
    container: string;
    analysisFilter?: Record<string, NameFilter>;
    filter: NameFilter;
    zipMember?: NameFilter & { match?: FileMatch };
    match?: FileMatch;
    format?: string;
    formatOptions: Record<string, unknown>;
    processFiles: boolean;
    columns: { src: string; dst?: string; type?: string }[];
  };
  filter?: string;
  includeIds?: boolean;
  includeLabels?: boolean;
  errorColumn?: boolean;
  missingDataStrategy?: MissingDataStrategy;
  sort?: boolean;
}

/** Options of `fw.View({...})` / `new ViewBuilder({...})` (Python's constructor arguments). */
export interface ViewOptions {
  label?: string;
  description?: string;
  columns?: ViewColumnInput | readonly ViewColumnInput[];
  container?: string;
  filename?: string;
  match?: FileMatch;
  zipFiles?: string;
  processFiles?: boolean;
  includeIds?: boolean;
  includeLabels?: boolean;
  errorColumn?: boolean;
  missingDataStrategy?: MissingDataStrategy;
  groupBy?: string | readonly string[];
  filter?: string;
  sort?: boolean;
  analysisLabel?: string;
  analysisGearName?: string;
  analysisGearVersion?: string;
}

/** A builder call that cannot make a valid view; the message says what to change. */
export class ViewBuilderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViewBuilderError';
  }
}

const MATCHES = ['first', 'last', 'newest', 'oldest', 'all'];
const STRATEGIES = ['none', 'drop-row'];
const FORMATS = ['csv', 'tsv', 'json'];

export class ViewBuilder {
  #label: string | undefined;
  #description: string | undefined;
  #columns: DataView['columns'] = [];
  #groupBy: { src: string; dst?: string }[] = [];
  #filter: string | undefined;
  #includeIds: boolean | undefined;
  #includeLabels: boolean | undefined;
  #errorColumn: boolean | undefined;
  #missing: MissingDataStrategy | undefined;
  #sort: boolean | undefined;
  #fileContainer: string | undefined;
  #fileFilter: NameFilter | undefined;
  #fileMatch: FileMatch | undefined;
  #zipMember: (NameFilter & { match?: FileMatch }) | undefined;
  #format: string | undefined;
  #formatOptions: Record<string, unknown> = {};
  #processFiles = true;
  #fileColumns: { src: string; dst?: string; type?: string }[] = [];
  #analysisFilter: Record<string, NameFilter> | undefined;
  #analysisFiles: boolean | undefined;

  constructor(options: ViewOptions = {}) {
    const o = options;
    if (o.label !== undefined) this.label(o.label);
    if (o.description !== undefined) this.description(o.description);
    if (o.match !== undefined) this.fileMatch(o.match);
    if (o.processFiles !== undefined) this.processFiles(o.processFiles);
    if (o.includeIds !== undefined) this.includeIds(o.includeIds);
    if (o.includeLabels !== undefined) this.includeLabels(o.includeLabels);
    if (o.errorColumn !== undefined) this.errorColumn(o.errorColumn);
    if (o.missingDataStrategy !== undefined) this.missingDataStrategy(o.missingDataStrategy);
    if (o.filter !== undefined) this.filter(o.filter);
    if (o.sort !== undefined) this.sort(o.sort);
    if (o.groupBy !== undefined)
      for (const g of typeof o.groupBy === 'string' ? [o.groupBy] : o.groupBy) this.groupBy(g);
    if (o.zipFiles !== undefined) this.zipMemberFilter(o.zipFiles);
    if (o.filename !== undefined) {
      this.files(o.container, o.filename, {
        ...(o.analysisLabel !== undefined ? { analysisLabel: o.analysisLabel } : {}),
        ...(o.analysisGearName !== undefined ? { analysisGearName: o.analysisGearName } : {}),
        ...(o.analysisGearVersion !== undefined
          ? { analysisGearVersion: o.analysisGearVersion }
          : {}),
      });
    } else if (o.container !== undefined) this.fileContainer(o.container);
    if (o.columns !== undefined) {
      const list =
        typeof o.columns === 'string' || !Array.isArray(o.columns) ? [o.columns] : o.columns;
      for (const c of list as ViewColumnInput[])
        if (typeof c === 'string') this.column(c);
        else this.column(c.src, c);
    }
  }

  label(label: string): this {
    this.#label = label;
    return this;
  }
  description(description: string): this {
    this.#description = description;
    return this;
  }
  filter(filter: string): this {
    this.#filter = filter;
    return this;
  }

  /** Python's file-column sugar: `acquisition.file.name` selects acquisition files. */
  #sugar(src: string, dst: string | undefined): { src: string; dst: string | undefined } {
    const parts = src.split('.');
    const at = parts.indexOf('file');
    if (at < 1) return { src, dst };
    const container = parts[0]!;
    const analysis = at > 1;
    if (this.#fileContainer !== undefined && this.#fileContainer !== container)
      throw new ViewBuilderError(
        `Can only select files on one container (${this.#fileContainer} already selected): "${src}" names ${container}; use ${this.#fileContainer}.file.… columns or a second view`,
      );
    if (this.#analysisFiles !== undefined && this.#analysisFiles !== analysis)
      throw new ViewBuilderError(
        analysis
          ? `Cannot mix analysis files ("${src}") with ${container} files already selected; use one kind per view`
          : `Cannot mix ${container} files ("${src}") with analysis files already selected; use one kind per view`,
      );
    if (this.#fileContainer === undefined) {
      this.#fileContainer = container;
      this.#fileFilter ??= { value: '*' };
      if (analysis) this.analysisFilter({ label: '*' });
      this.#fileMatch ??= 'all';
      this.#errorColumn = false;
      this.#missing = 'drop-row';
      this.#processFiles = false;
    }
    this.#analysisFiles = analysis;
    return { src: parts.slice(at).join('.'), dst: dst ?? src };
  }

  groupBy(src: string, dst?: string): this {
    const s = this.#sugar(src, dst);
    this.#groupBy.push({ src: s.src, ...(s.dst !== undefined ? { dst: s.dst } : {}) });
    return this;
  }

  column(
    src: string,
    opts: { dst?: string; type?: string; accumulator?: string; expr?: string } | string = {},
  ): this {
    if (typeof src !== 'string' || src === '')
      throw new ViewBuilderError(
        'column(src): src must be a non-empty column path such as "subject.label"',
      );
    const o = typeof opts === 'string' ? { dst: opts } : opts;
    const s = this.#sugar(src, o.dst);
    this.#columns.push({
      src: s.src,
      ...(s.dst !== undefined ? { dst: s.dst } : {}),
      ...(o.type !== undefined ? { type: o.type } : {}),
      ...(o.expr !== undefined ? { expr: o.expr } : {}),
      ...(o.accumulator !== undefined ? { accumulator: o.accumulator } : {}),
    });
    return this;
  }

  files(
    container: string | undefined,
    filename: string | undefined,
    analysis: {
      analysisLabel?: string;
      analysisGearName?: string;
      analysisGearVersion?: string;
    } = {},
  ): this {
    if (!container || !filename)
      throw new ViewBuilderError(
        'Both container and filename are required for file matching: pass e.g. files("session", "*.csv")',
      );
    this.#fileContainer = container;
    this.#fileFilter = { value: filename };
    const { analysisLabel, analysisGearName, analysisGearVersion } = analysis;
    if (analysisLabel ?? analysisGearName ?? analysisGearVersion)
      this.analysisFilter({
        ...(analysisLabel !== undefined ? { label: analysisLabel } : {}),
        ...(analysisGearName !== undefined ? { gearName: analysisGearName } : {}),
        ...(analysisGearVersion !== undefined ? { gearVersion: analysisGearVersion } : {}),
      });
    return this;
  }

  fileColumn(src: string, dst?: string, type?: string): this {
    this.#fileColumns.push({
      src,
      ...(dst !== undefined ? { dst } : {}),
      ...(type !== undefined ? { type } : {}),
    });
    return this;
  }
  fileContainer(container: string): this {
    this.#fileContainer = container;
    return this;
  }
  fileMatch(match: FileMatch): this {
    if (!MATCHES.includes(match))
      throw new ViewBuilderError(`match "${match}" is not one of ${MATCHES.join(', ')}`);
    this.#fileMatch = match;
    return this;
  }
  analysisFilter(f: {
    label?: string;
    gearName?: string;
    gearVersion?: string;
    regex?: boolean;
  }): this {
    const a = (this.#analysisFilter ??= {});
    const regex = f.regex ?? false;
    if (f.label !== undefined) a.label = { value: f.label, regex };
    if (f.gearName !== undefined) a['gear.name'] = { value: f.gearName, regex };
    if (f.gearVersion !== undefined) a['gear.version'] = { value: f.gearVersion, regex };
    return this;
  }
  fileFilter(value: string, regex = false): this {
    this.#fileFilter = { value, regex };
    return this;
  }
  zipMemberFilter(value: string, regex = false, match?: FileMatch): this {
    this.#zipMember = { value, regex, ...(match !== undefined ? { match } : {}) };
    return this;
  }
  fileFormat(format: 'csv' | 'tsv' | 'json'): this {
    if (!FORMATS.includes(format))
      throw new ViewBuilderError(`file format "${format}" is not one of ${FORMATS.join(', ')}`);
    this.#format = format;
    return this;
  }
  fileFormatOptions(options: Record<string, unknown>): this {
    Object.assign(this.#formatOptions, options);
    return this;
  }
  processFiles(value = true): this {
    this.#processFiles = value;
    return this;
  }
  includeLabels(value = true): this {
    this.#includeLabels = value;
    return this;
  }
  includeIds(value = true): this {
    this.#includeIds = value;
    return this;
  }
  errorColumn(value = true): this {
    this.#errorColumn = value;
    return this;
  }
  missingDataStrategy(value: MissingDataStrategy): this {
    if (!STRATEGIES.includes(value))
      throw new ViewBuilderError(
        `missingDataStrategy "${value}" is not one of ${STRATEGIES.join(', ')}`,
      );
    this.#missing = value;
    return this;
  }
  sort(value = true): this {
    this.#sort = value;
    return this;
  }

  /** The data view JSON. */
  build(): DataView {
    const hasFiles = this.#fileContainer !== undefined && this.#fileFilter !== undefined;
    const anyFile =
      this.#fileContainer !== undefined ||
      this.#fileFilter !== undefined ||
      this.#fileColumns.length > 0 ||
      this.#zipMember !== undefined ||
      this.#format !== undefined ||
      this.#analysisFilter !== undefined;
    if (anyFile && !hasFiles)
      throw new ViewBuilderError(
        `Both file_container and file_filter are required to process files: add ${
          this.#fileContainer === undefined
            ? 'a container (container: "session")'
            : 'a file name (filename: "*.csv")'
        }, e.g. .files("session", "*.csv")`,
      );
    this.#errorColumn ??= this.#missing !== 'drop-row';
    const v: DataView = { columns: this.#columns.map((c) => ({ ...c })) };
    if (this.#label !== undefined) v.label = this.#label;
    if (this.#description !== undefined) v.description = this.#description;
    if (this.#groupBy.length) v.groupBy = { columns: this.#groupBy.map((g) => ({ ...g })) };
    if (hasFiles)
      v.fileSpec = {
        container: this.#fileContainer!,
        ...(this.#analysisFilter ? { analysisFilter: { ...this.#analysisFilter } } : {}),
        filter: { ...this.#fileFilter! },
        ...(this.#zipMember ? { zipMember: { ...this.#zipMember } } : {}),
        ...(this.#fileMatch ? { match: this.#fileMatch } : {}),
        ...(this.#format ? { format: this.#format } : {}),
        formatOptions: { ...this.#formatOptions },
        processFiles: this.#processFiles,
        columns: this.#fileColumns.map((c) => ({ ...c })),
      };
    if (this.#filter !== undefined) v.filter = this.#filter;
    if (this.#includeIds !== undefined) v.includeIds = this.#includeIds;
    if (this.#includeLabels !== undefined) v.includeLabels = this.#includeLabels;
    v.errorColumn = this.#errorColumn;
    if (this.#missing !== undefined) v.missingDataStrategy = this.#missing;
    if (this.#sort !== undefined) v.sort = this.#sort;
    return v;
  }
}
