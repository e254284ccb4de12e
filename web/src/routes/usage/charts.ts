// chart.js configurations for the usage page, built from the load's data.
import type { ChartConfiguration } from 'chart.js';
import { formatUsd } from '$lib/usage-format';

const PALETTE = ['#38bdf8', '#f59e0b', '#34d399', '#f472b6', '#a78bfa', '#f87171', '#facc15', '#2dd4bf'];

type DayProvider = { day: string; provider: string; tokens: number; cost: number };

/** A UTC day (YYYY-MM-DD) as an axis label in the reader's language: "Nov 27", "27 nov.". */
export const dayLabel = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Stacked bars per day, one colour per provider, of tokens or dollars. */
export function perDayByProvider(days: { day: string }[], rows: DayProvider[], measure: 'tokens' | 'cost'): ChartConfiguration {
  const providers = [...new Set(rows.map((r) => r.provider))];
  return {
    type: 'bar',
    data: {
      labels: days.map((d) => dayLabel(d.day)),
      datasets: providers.map((provider, i) => ({
        label: provider,
        backgroundColor: PALETTE[i % PALETTE.length],
        data: days.map((d) => rows.find((r) => r.day === d.day && r.provider === provider)?.[measure] ?? 0),
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ...(measure === 'cost' ? { ticks: { callback: (v) => formatUsd(Number(v)) } } : {}) },
      },
    },
  };
}

export function latencyByModel(rows: { model: string; p50: number | null; p95: number | null }[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.model),
      datasets: [
        { label: 'p50 (ms)', backgroundColor: PALETTE[0], data: rows.map((r) => r.p50 ?? 0) },
        { label: 'p95 (ms)', backgroundColor: PALETTE[1], data: rows.map((r) => r.p95 ?? 0) },
      ],
    },
    options: { responsive: true, maintainAspectRatio: false, indexAxis: 'y', scales: { x: { beginAtZero: true } } },
  };
}

export function callsAndErrors(days: { day: string; calls: number; errors: number }[]): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: days.map((d) => dayLabel(d.day)),
      datasets: [
        { label: 'Calls', borderColor: PALETTE[2], backgroundColor: PALETTE[2], data: days.map((d) => d.calls) },
        { label: 'Errors', borderColor: PALETTE[5], backgroundColor: PALETTE[5], data: days.map((d) => d.errors) },
      ],
    },
    options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
}

export { formatUsd } from '$lib/usage-format';
