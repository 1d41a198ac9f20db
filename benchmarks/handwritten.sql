-- 盘锦分行's rules (policies/branches/panjin.xm) written by hand in DuckDB SQL, as an analyst would in an
-- afternoon: the yardstick `engines.py` holds `crossmarket evaluate --engine duckdb` against. `{ws}` is the
-- generated workspace's folder (benchmarks/generate.py). It keeps to the plain cases the generator writes
-- (dates as YYYY-MM-DD, amounts as plain numbers or 万, participants split by `;` or `、`) and checks far less
-- than the evaluator (no reasons in words, no row numbers past blank lines, no GB18030, no XLSX).

CREATE TEMP TABLE ledger AS
SELECT row_number() OVER () + 1 AS row_no, *
FROM read_csv('{ws}/deals.csv', header = true, all_varchar = true);

CREATE TEMP TABLE products AS
SELECT * FROM (VALUES
  ('个人住房贷款', 'MORTGAGE', '个人金融部', 120),
  ('代发工资', 'PAYROLL', '个人金融部', NULL),
  ('个人理财', 'WEALTH', '个人金融部', 150),
  ('信用卡', 'CARD', '信用卡中心', 300),
  ('电子银行', 'EBANK', '电子银行部', 200),
  ('贵宾客户', 'VIP', '个人金融部', 40)) AS p(name, code, host, target);

CREATE TEMP TABLE deals AS
WITH typed AS (
  SELECT l.row_no, TRIM(l.deal_id) AS deal_id, TRY_CAST(l.date AS DATE) AS day, p.name AS product, p.host,
    CASE WHEN COALESCE(l.quantity, '') = '' THEN 1 ELSE TRY_CAST(l.quantity AS DECIMAL(38, 12)) END AS quantity,
    CASE WHEN l.amount LIKE '%万' THEN TRY_CAST(RTRIM(l.amount, '万') AS DECIMAL(38, 12)) * 10000
      ELSE TRY_CAST(l.amount AS DECIMAL(38, 12)) END AS amount,
    TRIM(l.client_id) AS client_id, TRIM(l.project_id) AS project_id, TRIM(l.outlet) AS outlet,
    COALESCE(TRIM(l.participants), '') AS participants, LOWER(TRIM(l.activated)) IN ('是', 'y', 'yes', 'true', '1')
      AS activated, TRY_CAST(l.fee_income AS DECIMAL(38, 12)) AS fee_income,
    TRY_CAST(l.new_deposits AS DECIMAL(38, 12)) AS new_deposits,
    ROW_NUMBER() OVER (PARTITION BY TRIM(l.deal_id) ORDER BY l.row_no) AS nth
  FROM ledger AS l LEFT JOIN products AS p ON TRIM(l.product) IN (p.name, p.code)
), listed AS (
  SELECT t.*, EXISTS (SELECT 1 FROM read_csv('{ws}/target_list.csv', header = true, all_varchar = true) AS x
                      WHERE TRIM(x.client_id) = t.client_id
                        AND t.day BETWEEN COALESCE(TRY_CAST(x."from" AS DATE), DATE '0001-01-01')
                                      AND COALESCE(TRY_CAST(x."to" AS DATE), DATE '9999-12-31')) AS on_list,
    EXISTS (SELECT 1 FROM read_csv('{ws}/audit.csv', header = true, all_varchar = true) AS a
            WHERE TRIM(a.deal_id) = t.deal_id AND TRIM(a.verdict) IN ('rejected', '驳回')) AS audited,
    list_filter(list_transform(string_split_regex(t.participants, '[;；、,，]'), lambda x: TRIM(x)), lambda x: x <> '')
      AS helpers
  FROM typed AS t
)
SELECT *, CASE
    WHEN deal_id IS NULL OR deal_id = '' OR nth > 1 THEN 'R001'
    WHEN day IS NULL THEN 'R002'
    WHEN day NOT BETWEEN DATE '2026-01-01' AND DATE '2026-12-31' THEN 'R003'
    WHEN product IS NULL THEN 'R004'
    WHEN quantity IS NULL OR quantity <= 0 THEN 'R005'
    WHEN NOT on_list THEN 'R006'
    WHEN len(helpers) = 0 THEN 'R007'
    WHEN list_contains(helpers, host) OR len(list_distinct(helpers)) < len(helpers)
      OR NOT list_has_all(['公司业务部', '机构业务部', '房地产信贷部', '个人金融部', '信用卡中心', '电子银行部'], helpers)
      THEN 'R008'
    WHEN audited THEN 'R010'
    WHEN product = '信用卡' AND NOT activated THEN 'R012'
    WHEN product = '个人理财' AND amount IS NULL THEN 'R011'
  END AS code,
  CASE product
    WHEN '个人住房贷款' THEN 10 * quantity WHEN '代发工资' THEN 2 * quantity
    WHEN '个人理财' THEN amount / 10000 * 0.5 WHEN '信用卡' THEN quantity
    WHEN '电子银行' THEN quantity WHEN '贵宾客户' THEN 5 * quantity END AS points
FROM listed;

-- 第二十条: a project whose mortgage households fall short of the bank's share scores nothing on its mortgages.
CREATE TEMP TABLE short_projects AS
SELECT d.project_id
FROM deals AS d
JOIN read_csv('{ws}/projects.csv', header = true, all_varchar = true) AS j ON TRIM(j.project_id) = d.project_id
WHERE d.code IS NULL AND d.product = '个人住房贷款'
GROUP BY d.project_id, j.dev_loan, j.dev_loan_share, j.total_mortgages
HAVING (j.dev_loan = 'exclusive' AND SUM(d.quantity) < 0.85 * CAST(j.total_mortgages AS DECIMAL(38, 12)))
    OR (j.dev_loan = 'partial'
        AND SUM(d.quantity) < CAST(RTRIM(j.dev_loan_share, '%') AS DECIMAL(38, 12)) / 100
                              * CAST(j.total_mortgages AS DECIMAL(38, 12)));

-- 第二十二条: a product below half its target at the year's end counts for nothing.
CREATE TEMP TABLE short_products AS
SELECT p.name
FROM products AS p LEFT JOIN deals AS d ON d.product = p.name AND d.code IS NULL
GROUP BY p.name, p.target
HAVING SUM(d.quantity) < 0.5 * COALESCE(p.target, 0.1 * (
  SELECT CAST(indicator AS DECIMAL(38, 12)) FROM read_csv('{ws}/indicators.csv', header = true, all_varchar = true)
  WHERE product = p.name));

CREATE TEMP TABLE gated AS
SELECT d.*, CASE WHEN d.project_id IN (SELECT project_id FROM short_projects) AND d.product = '个人住房贷款'
                   OR d.product IN (SELECT name FROM short_products) THEN 0 ELSE d.points END AS gated_points
FROM deals AS d WHERE d.code IS NULL;

-- 第十九条: the host keeps 20%, the participants share 80% equally.
SELECT department, SUM(share) AS points
FROM (
  SELECT host AS department, gated_points * 0.2 AS share FROM gated
  UNION ALL
  SELECT UNNEST(helpers) AS department, gated_points * 0.8 / len(helpers) AS share FROM gated
) GROUP BY department ORDER BY department;

SELECT product, SUM(quantity) AS quantity, SUM(gated_points) AS points FROM gated GROUP BY product ORDER BY product;

SELECT outlet, COUNT(*) AS deals, SUM(fee_income) AS fee_income, SUM(new_deposits) AS new_deposits
FROM gated WHERE outlet <> '' GROUP BY outlet ORDER BY outlet;

SELECT code, COUNT(*) AS rows FROM deals WHERE code IS NOT NULL GROUP BY code ORDER BY code;
