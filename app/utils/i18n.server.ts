import { createCookie } from '@remix-run/node'
import { RemixI18Next } from 'remix-i18next/server'
import { i18nConfig, supportedLngs, fallbackLng } from '~/i18n'

/** The visitor's chosen locale; read before Accept-Language, zh-CN when neither says. */
export const localeCookie = createCookie('lng', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
})

export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLngs],
    fallbackLanguage: fallbackLng,
    cookie: localeCookie,
    order: ['cookie', 'header'],
  },
  i18next: i18nConfig,
})
