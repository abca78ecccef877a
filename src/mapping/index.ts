export { LOGSOURCES } from './logsources.js';
export { convertValue, missingField, resolveLogsource } from './resolve.js';
export type { FieldAlias, FieldConversion, LogsourceEntry, LogsourceQuery, SourceSpec } from './types.js';
