import { describe, expect, it } from 'vitest'
import { parseSkillsText, valuesFromFile } from '~/utils/household-form.server'

describe('household form skills text', () => {
  const file = { members: [{ fullName: '龙建华', skills: [{ code: 'welding', level: 'intermediate' }, { code: 'sewing', level: 'beginner' }] }], needs: [] }

  it('writes skills by their Chinese names on a Chinese page, and they parse back to the same skills', () => {
    const values = valuesFromFile(file, { skillNames: new Map([['welding', '电焊'], ['sewing', '缝纫']]) })
    const text = (values.members as Array<{ skillsText: string }>)[0]!.skillsText
    expect(text).toBe('电焊:中级、缝纫:初级')
    expect(parseSkillsText(text)).toEqual([{ code: '电焊', level: 'intermediate' }, { code: '缝纫', level: 'beginner' }])
  })

  it('writes codes and English levels otherwise', () => {
    const text = (valuesFromFile(file).members as Array<{ skillsText: string }>)[0]!.skillsText
    expect(text).toBe('welding:intermediate, sewing:beginner')
    expect(parseSkillsText(text)).toEqual([{ code: 'welding', level: 'intermediate' }, { code: 'sewing', level: 'beginner' }])
  })
})
