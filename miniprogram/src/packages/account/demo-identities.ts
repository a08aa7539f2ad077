/** The sandbox's demo identities: the BFF turns `sandbox:<key>` into a fixed fake openid. */
export const DEMO_IDENTITIES = [
  { code: 'sandbox:zhang', name: '张阿姨', description: '68岁，高血压随访中' },
  { code: 'sandbox:li', name: '李先生', description: '45岁，替父母预约挂号' },
  { code: 'sandbox:wang', name: '王同学', description: '20岁，首次就诊' },
] as const;
