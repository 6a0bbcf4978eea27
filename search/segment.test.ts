import { describe, expect, it } from 'vitest'
import { segmentForIndex, segmentQuery, wordSet } from './segment'

describe('Chinese segmentation', () => {
  it('splits queries into words and indexes the shorter words inside long ones', () => {
    expect(segmentQuery('电商培训')).toEqual(['电商', '培训'])
    expect(segmentQuery('焊工')).toEqual(['焊工'])
    const words = segmentForIndex('雷山县苗绣电商培训班招收学员，提供住宿')
    expect(words).toEqual(expect.arrayContaining(['雷山县', '苗绣', '电商', '培训', '培训班', '住宿']))
    expect(words).not.toContain('，')
  })

  it('drops punctuation and function words from word sets', () => {
    expect([...wordSet('棉被和书包的捐赠。')].sort()).toEqual(['书包', '捐赠', '棉被'].sort())
  })
})
