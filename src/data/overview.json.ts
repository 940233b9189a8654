// Headline figures for the overview page, from the exports in CVA_DATA (default: data/).
import { dataFolderFrom, overviewOfFolder } from "../../loaders/index.js";

process.stdout.write(JSON.stringify(await overviewOfFolder(dataFolderFrom())));
