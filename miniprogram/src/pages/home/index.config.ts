export default definePageConfig({
  navigationBarTitleText: 'CareLoop 医联体',
  enablePullDownRefresh: true,
});
