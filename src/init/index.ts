export { cairnRoot, type InitOptions, type InitResult, initProject, TEMPLATES } from './init-project.js'
export { projectFiles, sampleDays, toCsv } from './project-files.js'
export { TEMPLATE_NAMES, type TemplateName, type TemplateSpec } from './template.js'
