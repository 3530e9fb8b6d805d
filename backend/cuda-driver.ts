// Whether the NVIDIA driver's libcuda.so.1 can be found where the dynamic loader looks for it, asked
// before TensorFlow loads, so a machine without a driver gets our one warning instead of TensorFlow's
// "failed call to cuInit" error line. Not a GPU check: a driver with no usable device passes here.
import fs from 'node:fs';
import path from 'node:path';

const LIBCUDA = 'libcuda.so.1';
/** Where glibc looks after LD_LIBRARY_PATH and its cache. */
const DEFAULT_DIRS = ['/lib64', '/usr/lib64', '/lib', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu'];

/** libcuda.so.1 in LD_LIBRARY_PATH, the loader's cache (/etc/ld.so.cache, which ldconfig writes) or its default folders. */
export function cudaDriverFound(ldLibraryPath: string | undefined, cacheFile = '/etc/ld.so.cache', defaultDirs = DEFAULT_DIRS): boolean {
  const dirs = [...(ldLibraryPath ?? '').split(':').filter((d) => d !== ''), ...defaultDirs];
  if (dirs.some((dir) => fs.existsSync(path.join(dir, LIBCUDA)))) return true;
  try {
    // The cache holds each library's name as a NUL-terminated string.
    return fs.readFileSync(cacheFile).includes(`${LIBCUDA}\0`);
  } catch {
    return false;
  }
}
