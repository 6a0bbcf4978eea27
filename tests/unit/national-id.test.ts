import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decryptNationalId,
  encryptNationalId,
  hashNationalId,
  maskNationalId,
  nationalIdCheckChar,
  nationalIdFacts,
  nationalIdProblem,
} from '~/utils/national-id.server'

// A made-up but well-formed number: region 522634 (雷山县), born 1985-03-12, sequence 123.
const body = '52263419850312123'
const valid = body + nationalIdCheckChar(body)

describe('national ID numbers', () => {
  it('accepts a well-formed number and reads birth date and gender from it', () => {
    expect(nationalIdProblem(valid)).toBeNull()
    expect(nationalIdProblem(valid.toLowerCase())).toBeNull()
    expect(nationalIdFacts(valid)).toEqual({ birthDate: '1985-03-12', gender: 'male', regionCode: '522634' })
  })

  it('names what is wrong: format, birth date or check digit', () => {
    expect(nationalIdProblem('5226341985031212')).toBe('format')
    expect(nationalIdProblem('52263419850312123A')).toBe('format')
    const badDate = '52263419850230123'
    expect(nationalIdProblem(badDate + nationalIdCheckChar(badDate))).toBe('birth_date')
    const wrongCheck = body + (nationalIdCheckChar(body) === '0' ? '1' : '0')
    expect(nationalIdProblem(wrongCheck)).toBe('check_digit')
  })

  it('detects every single-digit typo through the check character', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
        const digits = valid.split('')
        digits[position] = String((Number(digits[position]) + delta) % 10)
        const typo = digits.join('')
        return nationalIdProblem(typo) !== null
      }),
    )
  })

  it('masks, hashes and encrypts without ever returning the plain number except by decryption', () => {
    expect(maskNationalId(valid)).toBe(`5226**********${valid.slice(-4)}`)
    expect(hashNationalId(valid)).toBe(hashNationalId(` ${valid.toLowerCase()} `))
    expect(hashNationalId(valid)).not.toContain(valid)
    const sealed = encryptNationalId(valid)
    expect(sealed).not.toContain(valid.slice(6, 14))
    expect(encryptNationalId(valid)).not.toBe(sealed) // random IV
    expect(decryptNationalId(sealed)).toBe(valid)
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA')
    expect(() => decryptNationalId(tampered)).toThrow()
  })
})
