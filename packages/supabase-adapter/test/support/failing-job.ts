/** The reminder job the alert tests run, and the way it fails. */
export const jobName = 'assignment-follow-up-reminders'
export const jobErrorMessage = 'push service answered 503'
export const failing = async (): Promise<never> => {
  throw new Error(jobErrorMessage)
}
