import type { Logger } from '../../monitoring/logger.js';
import type { Settings } from '../../settings/types.js';
import { ClickHouseDriver } from './clickhouse-driver.js';
import { CLICKHOUSE_NATIVE_PORTS, clickHouseConfigFromSettings } from './config.js';
import { HttpClickHouseConnection } from './connection.js';

export { ClickHouseDriver, DEDUPLICATION_TOKEN_PREFIX, type ClickHouseDriverOptions, type TableColumn } from './clickhouse-driver.js';
export { clickHouseColumnType, codecClause, columnDefinition, CLICKHOUSE_MAPPER, type ClickHouseColumnType } from './column-types.js';
export { clickHouseTypeComparer, nestedMemberNullabilityRule } from './compatibility.js';
export {
  CLICKHOUSE_DEFAULT_HTTP_PORT,
  CLICKHOUSE_NATIVE_PORTS,
  ClickHouseConfigError,
  clickHouseConfigFromSettings,
  splitOrderBy,
  type ClickHouseConfig,
} from './config.js';
export { HttpClickHouseConnection, SESSION_SETTINGS, type ClickHouseConnection, type InsertRequest } from './connection.js';
export { addColumnStatement, createTableStatement, DEFAULT_DEDUPLICATION_WINDOW, TABLE_HINTS, type TableLayoutOptions } from './ddl.js';
export { ClickHouseRequestError, ClickHouseWriteError, clickHouseErrorCode, UnsupportedColumnTypeError } from './errors.js';
export { displayTable, qualifiedTable, quoteIdentifier } from './identifiers.js';
export { PRIMITIVES, primitiveOf, type Primitive, type PrimitiveKind } from './primitives.js';
export { arrowTypeOf, readBackField, UnsupportedClickHouseTypeError, type ReadBackType } from './type-parser.js';
export { valueEncoderFor, ValueEncodingError, type JsonValue, type ValueEncoder } from './value-encoding.js';

/**
 * The ClickHouse driver as `warehouse.driver: clickhouse` configures it. Nothing is sent yet:
 * the first request is the migration (or a write), whose failure says what went wrong.
 */
export function createClickHouseDriver(settings: Pick<Settings, 'keys'>, logger: Logger): ClickHouseDriver {
  const config = clickHouseConfigFromSettings(settings);
  if (CLICKHOUSE_NATIVE_PORTS.includes(config.port)) {
    logger.warn('warehouse.clickhouse.port looks like ClickHouse native-protocol port; Cairn speaks the HTTP interface (8123, or 8443 with TLS)', {
      port: config.port,
    });
  }
  logger.info('clickhouse warehouse', { url: config.url, database: config.database, user: config.username === '' ? 'default' : config.username });
  return new ClickHouseDriver({
    connection: new HttpClickHouseConnection(config, logger),
    database: config.database,
    orderBy: config.orderBy,
    partitionBy: config.partitionBy,
    logger,
  });
}
