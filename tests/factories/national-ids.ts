import { nationalIdCheckChar } from '~/utils/national-id.server'

/** A well-formed (made-up) ID number: region code, birth date YYYYMMDD, 3-digit sequence. */
export function makeNationalId(regionCode = '522634', birth = '19850312', sequence = 123) {
  const body = `${regionCode}${birth}${String(sequence).padStart(3, '0')}`
  return body + nationalIdCheckChar(body)
}
