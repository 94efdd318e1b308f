export { ensembleShap, type ShapValues, treeShap } from './tree-shap.js'
