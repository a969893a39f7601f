/** The affected area, drawn or picked by address, beside the live preview of who is inside. */
import type { PublicTenant } from '../../shared/tenant';
import type { AreaValue } from '../area/area';
import { isEmptyArea } from '../area/area';
import { AreaEditor } from '../area/AreaEditor';
import { AreaSelections, type FindStreets } from '../area/AreaSelections';
import { NetworkPanel } from '../area/NetworkPanel';
import type { AdminApi } from '../admin-api';
import { PreviewPanel } from './PreviewPanel';
import type { useAreaPreview } from './use-area-preview';

interface AreaPanelProps {
  tenant: PublicTenant;
  value: AreaValue;
  onChange: (value: AreaValue) => void;
  preview: ReturnType<typeof useAreaPreview>;
  editable: boolean;
  findStreets?: FindStreets;
  /** The pipe network mode (the tenant's network traced from a break), when given. */
  network?: Pick<AdminApi, 'networkFeatures' | 'traceNetwork'>;
}

export function AreaPanel({ tenant, value, onChange, preview, editable, findStreets, network }: AreaPanelProps) {
  return (
    <div class="area-layout">
      <div>
        <AreaEditor
          tenant={tenant}
          value={value.shapes}
          readOnly={!editable}
          highlight={preview.highlight}
          onChange={(shapes) => onChange({ ...value, shapes })}
        />
        <AreaSelections
          streets={value.streets}
          postalCodes={value.postalCodes}
          disabled={!editable}
          onChange={(change) => onChange({ ...value, ...change })}
          findStreets={findStreets}
        />
        {network ? (
          <NetworkPanel
            tenant={tenant}
            admin={network}
            value={value.network}
            onChange={(next) => onChange({ ...value, network: next })}
            disabled={!editable}
          />
        ) : null}
      </div>
      <PreviewPanel
        preview={preview.preview}
        updating={preview.updating}
        error={preview.error}
        hasArea={!isEmptyArea(value)}
      />
    </div>
  );
}
