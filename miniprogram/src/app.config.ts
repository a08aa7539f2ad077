/**
 * App routes. The four tabs live in the main package; every feature is a subpackage so the
 * main package stays under WeChat's 2 MB limit (our budget: 1.5 MB).
 */
export default defineAppConfig({
  pages: ['pages/home/index', 'pages/appointments/index', 'pages/reports/index', 'pages/me/index'],
  subPackages: [
    {
      root: 'packages/directory',
      pages: ['pages/departments/index', 'pages/doctors/index', 'pages/doctor/index'],
    },
    {
      root: 'packages/account',
      pages: ['pages/login/index', 'pages/patients/index', 'pages/patient-edit/index', 'pages/consents/index', 'pages/proxy-accept/index'],
    },
    {
      // 预约挂号: slot picker → 就诊人 → confirm → pay → result; appointment detail; 候补.
      root: 'packages/booking',
      pages: ['pages/slots/index', 'pages/patient/index', 'pages/confirm/index', 'pages/result/index', 'pages/detail/index', 'pages/waitlist/index'],
    },
    {
      // 消息: what CareLoop told the account (booked, refunded, 停诊, 候补到号…).
      root: 'packages/messages',
      pages: ['pages/index/index'],
    },
    {
      // H5 only in practice (the staff work in a browser); the BFF should send `/staff` here.
      root: 'packages/staff',
      pages: ['pages/login/index', 'pages/home/index', 'pages/audit/index', 'pages/sessions/index', 'pages/reconciliation/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: 'CareLoop 医联体',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6fa',
  },
  tabBar: {
    color: '#6b7280',
    selectedColor: '#1668b8',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/home/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/appointments/index', text: '预约', iconPath: 'assets/tabbar/appointments.png', selectedIconPath: 'assets/tabbar/appointments-active.png' },
      { pagePath: 'pages/reports/index', text: '报告', iconPath: 'assets/tabbar/reports.png', selectedIconPath: 'assets/tabbar/reports-active.png' },
      { pagePath: 'pages/me/index', text: '我的', iconPath: 'assets/tabbar/me.png', selectedIconPath: 'assets/tabbar/me-active.png' },
    ],
  },
});
