// The parts of cva.config.json the pages need (brands, attributes, fair-value line): no PII.
import { dataFolderFrom, surveyConfigOfFolder } from "../../loaders/index.js";

process.stdout.write(JSON.stringify(await surveyConfigOfFolder(dataFolderFrom())));
