import type { Institution } from '@careloop/shared';

/** How patients name an institution's tier: 三级医院, 二级医院, 社区卫生服务中心, 一级医院. */
export function institutionLabel(institution: Pick<Institution, 'level' | 'kind'>): string {
  if (institution.kind === 'community_health_centre') return '社区卫生服务中心';
  switch (institution.level) {
    case 'tertiary':
      return '三级医院';
    case 'secondary':
      return '二级医院';
    case 'primary':
      return '一级医院';
  }
}
