export default definePageConfig({ navigationBarTitleText: '接受家人邀请' });
