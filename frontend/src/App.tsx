import { Route, Routes } from "react-router-dom";
import { useSession } from "./auth/session";
import { Layout } from "./components/Layout";
import { CustomerDetail } from "./pages/CustomerDetail";
import { Customers } from "./pages/Customers";
import { Dashboard } from "./pages/Dashboard";
import { Financial } from "./pages/Financial";
import { Global } from "./pages/Global";
import { ImportCustomers } from "./pages/ImportCustomers";
import { Login } from "./pages/Login";
import { Messages } from "./pages/Messages";
import { Meters } from "./pages/Meters";
import { OmReport } from "./pages/OmReport";
import { Payments } from "./pages/Payments";
import { NewCustomer } from "./pages/NewCustomer";
import { Pipeline } from "./pages/Pipeline";
import { Sites } from "./pages/Sites";
import { Tariffs } from "./pages/Tariffs";

export function App() {
  const { me, config } = useSession();
  if (!me || !config) return <Login />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Dashboard />} />
        <Route path="customers" element={<Customers />} />
        <Route path="customers/new" element={<NewCustomer />} />
        <Route path="customers/import" element={<ImportCustomers />} />
        <Route path="customers/:account" element={<CustomerDetail />} />
        <Route path="meters" element={<Meters />} />
        <Route path="pipeline" element={<Pipeline />} />
        <Route path="sites" element={<Sites />} />
        <Route path="payments" element={<Payments />} />
        <Route path="messages" element={<Messages />} />
        <Route path="tariffs" element={<Tariffs />} />
        <Route path="om-report" element={<OmReport />} />
        <Route path="financial" element={<Financial />} />
        <Route path="global" element={<Global />} />
        <Route path="*" element={<Dashboard />} />
      </Route>
    </Routes>
  );
}
