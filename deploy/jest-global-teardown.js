// After the run: remove the spare vhosts its workers made and did not use, and their Redis list
// (packages/testing/src/vhosts.ts). Component and e2e each call this; the second finds none left.
const { removeSpareVhosts } = require('../packages/testing/dist/vhosts');

module.exports = async () => {
  if (process.env.OMS_TEST_RUN_ID) await removeSpareVhosts(process.env.OMS_TEST_RUN_ID);
};
