import type { IProjectConfig } from '@tarojs/taro/types/compile';

/** Production overrides: minified, no source maps in the mini-program package (size budget). */
export default {
  mini: {
    enableSourceMap: false,
  },
  h5: {
    enableSourceMap: false,
  },
} satisfies IProjectConfig<'webpack5'>;
