import type { IProjectConfig } from '@tarojs/taro/types/compile';

/** Development overrides: readable output and a local dev server for `npm run dev:h5`. */
export default {
  logger: { quiet: false, stats: true },
  mini: {},
  h5: {
    devServer: { port: 10086, proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: true } } },
  },
} satisfies IProjectConfig<'webpack5'>;
