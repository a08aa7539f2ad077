import { Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useState, type ReactNode } from 'react';
import type { Patient, PatientIdType, PatientRelationship } from '@careloop/shared/contracts/patients';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { toApiError } from '../../../../services/api-error';
import { saveErrors, validateCreate, validateUpdate, type PatientField, type PatientFormErrors, type PatientFormValues } from '../../patient-form';
import { ID_TYPE_LABELS, RELATIONSHIP_LABELS } from '../../patient-labels';
import { patientsApi } from '../../patients-api';
import { ProxySection } from './proxy-section';
import './index.scss';

const EMPTY: PatientFormValues = { relationship: 'self', name: '', idType: 'resident_id', idNumber: '', phone: '', allergies: '' };

/** Adds a 就诊人 (no query) or edits one (`?patientId=…`). */
export default function PatientEditPage() {
  const { params } = useRouter();
  const patientId = params.patientId ?? '';
  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: patientId ? '编辑就诊人' : '添加就诊人' });
  }, [patientId]);

  const existing = useRequest<Patient | null>(() => (patientId ? patientsApi.get(patientId) : Promise.resolve(null)), [patientId]);
  return (
    <PageRoot testId="page-patient-edit">
      <RequestView request={existing} isEmpty={() => false} emptyTitle="">
        {(patient) => (
          <>
            <PatientForm key={patient?.id ?? 'new'} patient={patient} />
            {/* Only the owner invites and removes proxies; a proxy cannot pass the patient on. */}
            {patient && patient.access !== 'proxy' ? <ProxySection patient={patient} /> : null}
          </>
        )}
      </RequestView>
    </PageRoot>
  );
}

function PatientForm({ patient }: { patient: Patient | null }) {
  const [values, setValues] = useState<PatientFormValues>(() =>
    patient ? { ...EMPTY, relationship: patient.relationship, name: patient.name, idType: patient.idType, allergies: patient.allergies.join('、') } : EMPTY,
  );
  const [errors, setErrors] = useState<PatientFormErrors>({});
  const [busy, setBusy] = useState(false);
  // The relationship is the owner's to the patient, so a proxy neither sees nor changes it.
  const proxy = patient?.access === 'proxy';

  const set = <K extends PatientField>(field: K, value: PatientFormValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));
  };

  const submit = async () => {
    // The shared schemas check here first, so the user sees the server's own messages at once.
    const save = patient ? saveUpdate(patient.id, values) : saveCreate(values);
    if (!save.ok) {
      setErrors(save.errors);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await save.run();
      void Taro.showToast({ title: '已保存', icon: 'success' });
      void Taro.navigateBack();
    } catch (error) {
      setErrors(saveErrors(toApiError(error)));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!patient) return;
    const { confirm } = await Taro.showModal({ title: '删除就诊人', content: `确定删除就诊人“${patient.name}”吗？`, confirmText: '删除' });
    if (!confirm) return;
    setBusy(true);
    try {
      await patientsApi.remove(patient.id);
      void Taro.navigateBack();
    } catch (error) {
      setErrors({ form: toApiError(error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="cl-pform" data-testid="patient-form">
      {proxy ? (
        <Text className="cl-pform__proxy" data-testid="patient-proxy-note">
          您是家人代办人：可以修改信息、预约挂号、查看报告，不能删除此就诊人。如需停止代办，请联系添加此就诊人的家人。
        </Text>
      ) : (
        <Field label="与本人关系" field="relationship" error={errors.relationship}>
          <Options<PatientRelationship>
            testId="relationship-option"
            labels={RELATIONSHIP_LABELS}
            value={values.relationship}
            onChange={(v) => set('relationship', v)}
          />
        </Field>
      )}
      <Field label="姓名" field="name" error={errors.name}>
        <Input className="cl-pform__input" value={values.name} placeholder="与证件一致" maxlength={30} onInput={(e) => set('name', e.detail.value)} />
      </Field>
      {patient ? (
        <Field label="证件" field="idNumber">
          <Text className="cl-pform__fixed" data-testid="patient-id-fixed">
            {ID_TYPE_LABELS[patient.idType]} {patient.idNumberMasked}
          </Text>
          <Text className="cl-pform__hint">证件不能修改；如需更换证件，请新建就诊人</Text>
        </Field>
      ) : (
        <>
          <Field label="证件类型" field="idType" error={errors.idType}>
            <Options<PatientIdType> testId="id-type-option" labels={ID_TYPE_LABELS} value={values.idType} onChange={(v) => set('idType', v)} />
          </Field>
          <Field label="证件号码" field="idNumber" error={errors.idNumber}>
            <Input
              className="cl-pform__input"
              value={values.idNumber}
              placeholder={values.idType === 'resident_id' ? '18位身份证号码' : '请输入证件号码'}
              type={values.idType === 'resident_id' ? 'idcard' : 'text'}
              maxlength={32}
              onInput={(e) => set('idNumber', e.detail.value)}
            />
          </Field>
        </>
      )}
      <Field label="手机号（选填）" field="phone" error={errors.phone}>
        <Input
          className="cl-pform__input"
          value={values.phone}
          type="number"
          maxlength={11}
          placeholder={patient?.phoneMasked ? `${patient.phoneMasked}（不修改请留空）` : '用于接收就诊提醒'}
          onInput={(e) => set('phone', e.detail.value)}
        />
      </Field>
      <Field label="过敏史（选填）" field="allergies" error={errors.allergies}>
        <Input
          className="cl-pform__input"
          value={values.allergies}
          placeholder="多项用顿号分隔，如：青霉素、海鲜"
          onInput={(e) => set('allergies', e.detail.value)}
        />
      </Field>
      {errors.form ? (
        <Text className="cl-pform__error cl-pform__error--form" data-testid="patient-form-error">
          {errors.form}
        </Text>
      ) : null}
      <View className="cl-pform__actions">
        <Button type="primary" size="large" block loading={busy} disabled={busy} onClick={() => void submit()} data-testid="patient-submit">
          保存
        </Button>
        {patient && !proxy ? (
          <View className="cl-pform__delete">
            <Button size="large" block disabled={busy} onClick={() => void remove()} data-testid="patient-delete">
              删除就诊人
            </Button>
          </View>
        ) : null}
      </View>
    </View>
  );
}

type Save = { ok: true; run: () => Promise<unknown> } | { ok: false; errors: PatientFormErrors };

function saveCreate(values: PatientFormValues): Save {
  const checked = validateCreate(values);
  return checked.ok ? { ok: true, run: () => patientsApi.create(checked.body) } : checked;
}

function saveUpdate(id: string, values: PatientFormValues): Save {
  const checked = validateUpdate(values);
  return checked.ok ? { ok: true, run: () => patientsApi.update(id, checked.body) } : checked;
}

function Field({ label, field, error, children }: { label: string; field: PatientField; error?: string; children: ReactNode }) {
  return (
    <View className="cl-pform__field" data-testid={`field-${field}`}>
      <Text className="cl-pform__label">{label}</Text>
      {children}
      {error ? (
        <Text className="cl-pform__error" data-testid={`field-error-${field}`}>
          {error}
        </Text>
      ) : null}
    </View>
  );
}

function Options<T extends string>({ testId, labels, value, onChange }: { testId: string; labels: Record<T, string>; value: T; onChange: (v: T) => void }) {
  return (
    <View className="cl-pform__options">
      {(Object.keys(labels) as T[]).map((key) => (
        <View
          key={key}
          className={key === value ? 'cl-pform__option cl-pform__option--on' : 'cl-pform__option'}
          data-testid={testId}
          data-value={key}
          data-selected={key === value ? 'yes' : 'no'}
          onClick={() => onChange(key)}
        >
          <Text>{labels[key]}</Text>
        </View>
      ))}
    </View>
  );
}
