import { createContext, useContext, type ReactNode } from 'react'

// The CSP nonce of this response, for the inline scripts Remix renders.
const NonceContext = createContext<string>('')

export function NonceProvider({ value, children }: { value: string; children: ReactNode }) {
  return <NonceContext.Provider value={value}>{children}</NonceContext.Provider>
}

export function useNonce() {
  return useContext(NonceContext)
}
