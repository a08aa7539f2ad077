import path from 'node:path';
import { defineConfig, type UserConfigFn } from '@tarojs/cli';
import type { IProjectConfig } from '@tarojs/taro/types/compile';
import type WebpackChain from 'webpack-chain';
import devConfig from './dev';
import prodConfig from './prod';

/**
 * Taro build configuration shared by the weapp and H5 builds.
 *
 * The two targets write to separate folders so that one build never wipes the other:
 * `dist` (opened by WeChat DevTools through the root project.config.json) and `dist-h5`
 * (served by the BFF). Environment is read here and nowhere else in the mini-program.
 */
const configure: UserConfigFn<'webpack5'> = async (merge, { mode }) => {
  const isH5 = process.env.TARO_ENV === 'h5';
  // `dev:h5` cleans its output folder too: keep it away from the production build the BFF serves.
  const h5OutputRoot = process.argv.includes('--watch') ? 'dist-h5-dev' : 'dist-h5';
  // H5 is served by the BFF itself, so requests stay same-origin; the mini-program needs an
  // absolute base URL (a request domain configured in the WeChat admin console in production).
  const apiBaseUrl = process.env.CARELOOP_API_BASE_URL ?? (isH5 ? '' : 'http://127.0.0.1:3000');

  // npm workspaces hoist most packages to the repo root but keep @tarojs/taro (and what needs
  // it, like @tarojs/router) in miniprogram/node_modules or nested under the hoisted package
  // that depends on it, because the root's vite and rollup clash with @tarojs/taro's optional
  // peer ranges. Two copies of the router or of the Taro API mean two states (H5 navigation
  // failed with `history` undefined), so: webpack looks in both folders, and the singletons
  // are pinned to the copy next to this package. User webpackChain runs after Taro's plugins,
  // so these aliases win over the ones the platform plugins set.
  const appDir = path.resolve(__dirname, '..');
  const fromApp = (request: string): string => require.resolve(request, { paths: [appDir] });
  const resolveBothFolders = (chain: WebpackChain): void => {
    chain.resolve.modules
      .add('node_modules')
      .add(path.join(appDir, 'node_modules'))
      .add(path.resolve(appDir, '..', 'node_modules'));
  };
  const miniWebpackChain = (chain: WebpackChain): void => {
    resolveBothFolders(chain);
    chain.resolve.alias.set('@tarojs/taro$', fromApp('@tarojs/taro'));
  };
  // Taro splits only the initial chunk on H5, so every lazily loaded page carried its own copy
  // of zod, the shared contracts and NutUI. Splitting async chunks too shares them.
  const h5WebpackChain = (chain: WebpackChain): void => {
    resolveBothFolders(chain);
    chain.resolve.alias.set('@tarojs/router$', fromApp('@tarojs/router'));
    const splitChunks = chain.optimization.get('splitChunks') as Record<string, unknown> | false | undefined;
    if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: 'all' });
  };

  const baseConfig: IProjectConfig<'webpack5'> = {
    projectName: 'careloop',
    date: '2025-11-24',
    // NutUI React Taro is drawn at 375 px; our own styles use the same design width.
    designWidth: 375,
    deviceRatio: {
      375: 2,
      640: 2.34 / 2,
      750: 1,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: isH5 ? h5OutputRoot : 'dist',
    plugins: ['@tarojs/plugin-html'],
    defineConstants: {
      CARELOOP_API_BASE_URL: JSON.stringify(apiBaseUrl),
    },
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: {
      type: 'webpack5',
      // Prebundling makes NutUI templates go missing in the mini-program and caches across
      // machines poorly; the project is small enough to compile straight.
      prebundle: { enable: false },
    },
    cache: { enable: false },
    // The shared workspace is plain ES2022 from tsc; run it through Babel like our own code.
    compile: {
      include: [path.resolve(__dirname, '..', '..', 'shared', 'dist')],
    },
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      miniCssExtractPluginOption: { ignoreOrder: true },
      webpackChain: miniWebpackChain,
    },
    h5: {
      webpackChain: h5WebpackChain,
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'browser' },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        // NutUI's own px stay px in the browser, as its docs ask.
        pxtransform: { enable: true, config: { selectorBlackList: ['nut-'] } },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };

  if (process.env.NODE_ENV === 'development' || mode === 'development') {
    return merge({}, baseConfig, devConfig) as IProjectConfig<'webpack5'>;
  }
  return merge({}, baseConfig, prodConfig) as IProjectConfig<'webpack5'>;
};

export default defineConfig<'webpack5'>(configure);
