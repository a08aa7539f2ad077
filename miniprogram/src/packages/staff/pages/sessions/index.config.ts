export default definePageConfig({ navigationBarTitleText: '号源管理' });
