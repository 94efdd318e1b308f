export { buildReportData, type MonitorReportData, renderReportHtml, writeReport } from './report.js'
export { type ChartSeries, distributionSvg, lineChartSvg } from './svg.js'
