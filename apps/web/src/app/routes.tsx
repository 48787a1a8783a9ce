// Real URLs: reload, back and forward work; the server serves index.html for every app path.
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout, PublicLayout } from './Layout.tsx';
import { LoginPage } from '../features/account/LoginPage.tsx';
import { SignupPage } from '../features/account/SignupPage.tsx';
import { RecoverPage } from '../features/account/RecoverPage.tsx';
import { SettingsPage } from '../features/settings/SettingsPage.tsx';
import { PhotosPage, TrashPage } from '../features/photos/PhotosPage.tsx';
import { AlbumsPage } from '../features/albums/AlbumsPage.tsx';
import { AlbumPage } from '../features/albums/AlbumPage.tsx';
import { SharedPage } from '../features/sharing/SharedPage.tsx';
import { SharedWithMePage } from '../features/sharing/SharedWithMePage.tsx';
import { InvitationPage } from '../features/sharing/InvitationPage.tsx';
import { LinkPage } from '../features/links/LinkPage.tsx';
import { NotFound } from './NotFound.tsx';

export const router = createBrowserRouter([
  { path: '/s/:linkId', element: <LinkPage /> },
  {
    element: <PublicLayout />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/signup', element: <SignupPage /> },
      { path: '/recover', element: <RecoverPage /> },
    ],
  },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/photos" replace /> },
      { path: '/photos', element: <PhotosPage /> },
      { path: '/trash', element: <TrashPage /> },
      { path: '/albums', element: <AlbumsPage /> },
      { path: '/albums/:albumId', element: <AlbumPage /> },
      { path: '/shared', element: <SharedPage /> },
      { path: '/shared-with-me', element: <SharedWithMePage /> },
      { path: '/invitations/:invitationId', element: <InvitationPage /> },
      { path: '/settings', element: <SettingsPage /> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
