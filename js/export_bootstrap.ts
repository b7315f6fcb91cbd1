// Entry of the explanation's offline HTML page (built to lime_widget/static/export_bootstrap.js
// and inlined by lime_widget/export.py): the widget's own render() against a model that
// replays the precomputed fits, with no kernel and no network.

import { ReplayModel } from "./offline/model";
import { mountPage } from "./offline/page";
import explanationWidget from "./widget";

void mountPage(explanationWidget, (traits) => new ReplayModel(traits), "explanation");
