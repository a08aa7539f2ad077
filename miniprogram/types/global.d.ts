/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.svg';
declare module '*.scss';
declare module '*.css';

/** Base URL of the BFF, injected at build time by config/index.ts (defineConstants). */
declare const CARELOOP_API_BASE_URL: string;

declare namespace NodeJS {
  interface ProcessEnv {
    /** The platform Taro builds for. */
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'quickapp' | 'qq' | 'jd';
  }
}
