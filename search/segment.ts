// Chinese word segmentation (jieba, native binding shipped in the npm package) for the search
// index, queries and near-duplicate detection. One dictionary load per process.
import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict'

let jieba: Jieba | undefined
function instance() {
  jieba ??= Jieba.withDict(dict)
  return jieba
}

// Tokens that carry no meaning on their own: punctuation, whitespace, and common function words.
const stopWords = new Set(['的', '了', '和', '与', '及', '或', '在', '为', '是', '有', '等', '对', '将', '把', '从', '向', '并', '也', '都', '就', '而', '及其', '一个'])
const meaningful = /[\p{L}\p{N}]/u

function clean(tokens: string[]) {
  return tokens.map((t) => t.trim().toLowerCase()).filter((t) => t && meaningful.test(t) && !stopWords.has(t))
}

/** Words for an index document: jieba's search mode also emits the shorter words inside long ones (培训班 → 培训, 培训班). */
export function segmentForIndex(text: string): string[] {
  return clean(instance().cutForSearch(text, true))
}

/** Words of a query, in order, deduplicated. */
export function segmentQuery(text: string): string[] {
  return [...new Set(clean(instance().cut(text, true)))]
}

/** Distinct words of a text, for similarity measures. */
export function wordSet(text: string): Set<string> {
  return new Set(clean(instance().cut(text, true)))
}
