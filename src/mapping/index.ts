export { LOGSOURCES } from './logsources.js';
export { convertValue, missingField, resolveLogsource, SYSTEM_FIELDS } from './resolve.js';
export type { FieldAlias, FieldConversion, LogsourceEntry, LogsourceQuery, SourceSpec } from './types.js';
