import { ComingSoon } from '../../components/coming-soon';
import { PageRoot } from '../../components/page-root';

/** 报告 tab: lab and imaging reports arrive with the reports feature. */
export default function ReportsPage() {
  return (
    <PageRoot testId="page-reports">
      <ComingSoon feature="检查检验报告" description="检验、影像报告线上查看与异常提示正在建设中，报告出具后将第一时间通知您。" />
    </PageRoot>
  );
}
