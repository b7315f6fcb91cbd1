// Entry of the global view's offline HTML page (built to
// lime_widget/static/global_export_bootstrap.js, inlined by
// lime_widget/widget/global_export.py): strips, ranking and class toggle need no Python,
// so the model only stores values.

import globalView, { type GlobalTraits } from "./global_view";
import { StoreModel } from "./offline/model";
import { mountPage } from "./offline/page";

void mountPage(globalView, (traits) => new StoreModel<GlobalTraits>(traits), "view");
