export type { Driver, Row } from './driver.js';
export {
  ColumnAlreadyExistsError,
  MultipleTypeIncompatibleError,
  TableAlreadyExistsError,
  TableNotFoundError,
  TypeIncompatibleError,
  UnsupportedMappingError,
} from './errors.js';
export {
  defaultTypeComparer,
  ensureTables,
  findMissingColumns,
  TypeComparer,
  type CompatibilityRule,
  type EnsuredTable,
  type TableToEnsure,
} from './schema-diff.js';
export {
  createDriver,
  createDriverRegistry,
  StaticDriverRegistry,
  UnsupportedWarehouseError,
  WAREHOUSE_DRIVERS,
  type CreateDriverOptions,
  type DriverRegistry,
} from './registry.js';
export { ConsoleDriver, type ConsoleDriverOptions } from './console/index.js';
export { NoopDriver } from './noop/index.js';
export { createFilesDriver, FilesConfigError, FilesDriver, filesWorkingPaths } from './files/index.js';
