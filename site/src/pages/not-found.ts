// 404 page: static content, only the shared chrome needs script.
import { initLayout } from '../layout';

initLayout();
