// Checks that a training worker's device memory is back at the same level after every child: the
// tfjs engine's figures (tf.memory(): tensors and bytes) and the native binding's count of tensor
// handles, which hold the device buffers (on a GPU, blocks of TensorFlow's allocator). With several
// children at once (training.concurrency) it compares whenever none is in flight. It frees nothing;
// a leak is reported, not repaired. Device bytes as the driver sees them: bench/gpu/check.sh.
import { nativeBinding, type Tf } from '../backend/tf';

export interface MemoryFigures {
  numTensors: number;
  numBytes: number;
  /** Tensor handles the native binding holds; null for a backend without one. */
  nativeTensors: number | null;
}

export function memoryFigures(tf: Tf): MemoryFigures {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes, nativeTensors: nativeBinding(tf)?.getNumOfTensors() ?? null };
}

export function sameFigures(a: MemoryFigures, b: MemoryFigures): boolean {
  return a.numTensors === b.numTensors && a.numBytes === b.numBytes && a.nativeTensors === b.nativeTensors;
}

export interface MemoryWatch {
  /** Runs one child; when no child is left in flight, compares the figures with those at the start. */
  around<T>(child: () => Promise<T>): Promise<T>;
  /** Idle readings compared so far, and how many differed from the start. */
  stats(): { checks: number; grown: number; baseline: MemoryFigures; last: MemoryFigures };
}

/** Takes the baseline now (before the first child); `report` hears each new level the figures reach. */
export function watchMemory(tf: Tf, report: (message: string) => void): MemoryWatch {
  const baseline = memoryFigures(tf);
  let last = baseline;
  let inFlight = 0;
  let checks = 0;
  let grown = 0;
  return {
    async around(child) {
      inFlight += 1;
      try {
        return await child();
      } finally {
        inFlight -= 1;
        if (inFlight === 0) {
          const now = memoryFigures(tf);
          checks += 1;
          if (!sameFigures(now, baseline)) {
            grown += 1;
            if (!sameFigures(now, last)) report(`device memory not back at its level after a child: ${describe(now)}, at start ${describe(baseline)}`);
          }
          last = now;
        }
      }
    },
    stats: () => ({ checks, grown, baseline, last }),
  };
}

function describe(m: MemoryFigures): string {
  return `${m.numTensors} tensors, ${m.numBytes} bytes${m.nativeTensors === null ? '' : `, ${m.nativeTensors} native handles`}`;
}
