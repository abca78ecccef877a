import type { ChunkLike } from '../event/index.js';

/** A file to read: `path` is what to open (`-` is standard input), `display` is how warnings name it. */
export interface InputFile {
  path: string;
  display: string;
  size: number;
  /** Standard input, a pipe or a device: `size` says nothing of how much will be read. */
  stream?: true;
}

/** A path that could not be read at all. */
export interface InputProblem {
  path: string;
  message: string;
  /** How many input files it stands for when not one: a folder's binary .evtx files left unread. */
  files?: number;
}

/**
 * Record-aligned UTF-8 bytes of one file. `offset` counts bytes of the file's decoded stream:
 * for UTF-8 files (BOM included) that is the file's own byte offset; for UTF-16 input it is the
 * offset in the UTF-8 transcoding, and for .gz input the offset in the decompressed stream.
 */
export interface Chunk extends ChunkLike {
  /**
   * Where the next read may resume: just past the last complete record in this chunk (its decoded
   * offset and the 1-based line there). Equal to the chunk's end except for a final chunk that
   * ends in an incomplete record, so a checkpoint never covers a record still being written.
   */
  end: { offset: number; line: number };
}

export interface ReadOptions {
  /** Where chunk buffers come from (and go back to when the caller is done), instead of one each. */
  buffers?: import('./chunk-buffers.js').ChunkBuffers;
  /** Target chunk size in bytes (default 2 MiB); a record longer than this makes a longer chunk. */
  chunkBytes?: number;
  /**
   * The longest record read (default 16 MiB, MAX_RECORD): a longer one is skipped up to the next
   * record's start, with a warning, instead of held whole in memory.
   */
  maxRecordBytes?: number;
  onWarning?: (w: import('../event/index.js').Warning) => void;
  /** Raw bytes consumed from the file (before decompression), for progress. */
  onBytes?: (n: number) => void;
  /**
   * Resume point from an earlier scan (a chunk's `end`): the decoded offset and line to start at.
   * The format is still sniffed from the start of the file. Plain UTF-8 files are read from that
   * byte on; compressed and UTF-16 files are decoded from the start and the bytes before it dropped.
   */
  start?: { offset: number; line: number };
}
