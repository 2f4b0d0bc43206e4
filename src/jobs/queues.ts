// pg-boss queue names and the data each job carries.
export const QUICK_INSTALL_QUEUE = 'quick-install'
export const SWEEP_QUEUE = 'sweep-stuck-jobs'

export interface QuickInstallJobData {
  upload_id: string
  shop_id: string
}
