export { deviceColumns, detectedDeviceColumns, CachingDeviceDetector, isDeviceDetectorProvider, type DeviceDetectorProvider } from './columns.js';
export { DeviceDetector, UNKNOWN_DEVICE, type DeviceInfo } from './detector.js';
export { clientHintsFromHeaders, NO_CLIENT_HINTS, type ClientHints } from './client-hints.js';
